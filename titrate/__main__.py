from titrate.cli import main

main()
