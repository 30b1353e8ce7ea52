"""Input contract, validated data model and loaders (the only place that cleans data)."""
