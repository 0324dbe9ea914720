"""Answering: retrieval → cited answer or abstention, with CLI and Discord adapters."""
