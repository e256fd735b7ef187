"""Invoices: building, finalising, paying and voiding them, and invoice items."""
