"""Pure analytics core; never imports streamlit."""
