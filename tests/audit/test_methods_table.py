from arabic_llm.audit.methods_table import methods_table


def test_table_has_the_measured_columns_and_dashes_for_missing_figures():
    table = methods_table({"base": {"tokens_per_word": 5.5, "masked_word": {"MSA": 0.4, "EGY": 0.25}},
                           "vocab (mean)": {"tokens_per_word": 2.21, "english_changed": 0}})
    lines = table.splitlines()
    assert lines[0] == "| variant | Arabic tokens/word | English texts changed | masked-word acc. |"
    assert lines[2] == "| base | 5.50 | - | EGY 0.250, MSA 0.400 |"
    assert lines[3] == "| vocab (mean) | 2.21 | 0 | - |"

