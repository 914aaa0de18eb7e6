from fiscalshare.cli import run

run()
