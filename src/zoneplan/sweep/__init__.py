"""Scenario sweeps: many zonings x staffing x drop-outs, on one machine or a Dask cluster."""
