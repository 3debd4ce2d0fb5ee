from clausescan.cli import main

main()
