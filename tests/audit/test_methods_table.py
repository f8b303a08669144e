from arabic_llm.audit.methods_table import methods_table, run_methods


def test_table_has_the_measured_columns_and_dashes_for_missing_figures():
    table = methods_table({"base": {"tokens_per_word": 5.5, "masked_word": {"MSA": 0.4, "EGY": 0.25}},
                           "vocab (mean)": {"tokens_per_word": 2.21, "english_changed": 0}})
    lines = table.splitlines()
    assert lines[0] == "| variant | Arabic tokens/word | English texts changed | masked-word acc. |"
    assert lines[2] == "| base | 5.50 | - | EGY 0.250, MSA 0.400 |"
    assert lines[3] == "| vocab (mean) | 2.21 | 0 | - |"



def test_run_methods_give_each_method_its_state_and_figures_for_base_and_final():
    intrinsic = {"base": {"masked_word": {"MSA": 0.4, "EGY": 0.2}, "diacritic_disambiguation": 0.5},
                 "dialects": {"masked_word": {"MSA": 0.5, "EGY": 0.4}, "diacritic_disambiguation": 0.625}}
    results = {"models": {name: {"intrinsic": value} for name, value in intrinsic.items()}}
    audit = {"crows_pairs": {"models": {"base": {"overall": {"stereotype_share": 0.5625}},
                                        "dialects": {"overall": {"stereotype_share": 0.4375}}}}}
    vocab = {"new_tokens": 40, "init": "mean", "held_out_tokens_per_word": {"base": 5.61234, "extended": 2.0}}
    rows = run_methods(results, audit, "dialects", vocab, {"copies": 7, "documents": 30}, False)
    assert rows == [
        {"method": "vocabulary extension", "in_this_run": "on", "setting": "+40 tokens, mean rows",
         "figure": "held-out Arabic tokens/word (base tokenizer / this run's)", "base": 5.612, "dialects": 2.0},
        {"method": "diacritic-aware attention", "in_this_run": "off", "setting": "-",
         "figure": "diacritic disambiguation", "base": 0.5, "dialects": 0.625},
        {"method": "counterfactual augmentation", "in_this_run": "on", "setting": "7 gender-swapped copies",
         "figure": "CrowS-style stereotype share (0.5 = none)", "base": 0.562, "dialects": 0.438},
        {"method": "masked-word accuracy (metric)", "in_this_run": "on", "setting": "-",
         "figure": "top-1, mean over dialects", "base": 0.3, "dialects": 0.45},
    ]
    off = run_methods({"models": {}}, {}, "dialects", None, None, True)
    assert [r["in_this_run"] for r in off] == ["off", "on", "off", "on"]
    assert off[0]["base"] is None and off[3]["dialects"] is None
