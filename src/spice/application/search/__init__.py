"""The search language shared by the index and its readers: query model, filters, text
analysis (CJK included) and a scan fallback."""
