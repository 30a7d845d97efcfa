"""Learning summaries: anonymised stories drafted from reviewed cases, redacted and published."""
