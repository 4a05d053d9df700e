from adplane.cli.main import app

app()
