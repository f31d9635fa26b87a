"""Exemplary models (điển hình tiên tiến): discovered, nurtured, summarised, replicated."""
