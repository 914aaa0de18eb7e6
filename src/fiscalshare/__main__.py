from fiscalshare.cli import main

main()
