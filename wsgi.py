from nec import create_app

app = create_app()
