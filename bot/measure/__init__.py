"""Measurement: the benchmark evaluation (`citebot eval`) and the speed/memory bench (`citebot bench`)."""
