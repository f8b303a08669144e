from arabic_llm.audit.methods_table import methods_table


def test_table_has_the_measured_columns_and_dashes_for_missing_figures():
    table = methods_table({"base": {"tokens_per_word": 5.5, "masked_word": {"MSA": 0.4, "EGY": 0.25}},
                           "vocab (mean)": {"tokens_per_word": 2.21, "english_changed": 0}})
    lines = table.splitlines()
    assert lines[0] == "| variant | Arabic tokens/word | English texts changed | masked-word acc. |"
    assert lines[2] == "| base | 5.50 | - | EGY 0.250, MSA 0.400 |"
    assert lines[3] == "| vocab (mean) | 2.21 | 0 | - |"


def test_rows_of_a_pipeline_run():
    from arabic_llm.audit.methods_table import pipeline_rows

    results = {"models": {"base": {"overall": {"bits_per_char": 3.2},
                                   "intrinsic": {"masked_word": {"MSA": 0.5}, "diacritic_disambiguation": 0.6}},
                          "msa": {"overall": {"bits_per_char": 3.0}, "intrinsic": {}}}}
    rows = pipeline_rows(results, {"new_tokens": 40, "held_out_tokens_per_word": {"base": 5.0, "extended": 2.5}})
    assert rows == {"base (vocab +40)": {"masked_word": {"MSA": 0.5}, "disambiguation": 0.6, "bits_per_char": 3.2,
                                         "tokens_per_word": 2.5},
                    "msa (vocab +40)": {"masked_word": None, "disambiguation": None, "bits_per_char": 3.0,
                                        "tokens_per_word": 2.5}}
    assert "| base (vocab +40) | 2.50 | 3.200 | 0.600 | MSA 0.500 |" in methods_table(rows)
