"""One module per resource; `qa.api.app` includes their routers."""
