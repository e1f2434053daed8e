"""Units of work: pure functions first, thin Prefect @task wrappers last."""
