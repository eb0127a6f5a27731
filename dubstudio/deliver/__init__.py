"""Delivery: masters, stems, subtitle files and an editorial timeline from a finished project."""
