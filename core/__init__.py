"""Velai's rules and data, free of Flask: every SQL string lives in this package."""
