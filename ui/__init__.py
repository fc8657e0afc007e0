"""shopbot's web app: FastAPI with the Gradio shopper chat mounted."""
