"""Pipeline configurations shipped with the package (YAML); see arabic_llm/config.py."""
