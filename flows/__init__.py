"""The Prefect flows: the pipeline's DAG."""
