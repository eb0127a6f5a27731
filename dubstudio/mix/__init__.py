"""Separation, mixing and loudness: from the original soundtrack and the takes to a finished mix."""
