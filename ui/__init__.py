"""Streamlit front end of healthplan-qa: a plain HTTP client of the API (`streamlit run ui/app.py`)."""
