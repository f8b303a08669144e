"""Operating the pipeline: the `arabic-llm` command line, `status`, the text tools."""
