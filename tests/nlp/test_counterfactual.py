from arabic_nlp.counterfactual import swap_gender


def test_english_pronouns_titles_and_names_swap_with_case():
    assert swap_gender("He gave his book to Mary.") == ("She gave her book to John.", 3)
    assert swap_gender("HIS father") == ("HER mother", 2)
    assert swap_gender("her") == ("his", 1)  # her is his or him: his


def test_arabic_words_with_proclitics_and_names_within_their_list():
    text, n = swap_gender("قال محمد إنه سيزور أخته والرجل")
    # سيزور (agreement) and أخته (suffixed) are outside the lists: the documented limit
    assert (text, n) == ("قال فاطمة إنها سيزور أخته والمرأة", 3)
    assert swap_gender("بالرجل وبالأب")[0] == "بالمرأة وبالأم"


def test_no_partial_words_and_nothing_to_swap():
    assert swap_gender("المديرية the mandate shell") == ("المديرية the mandate shell", 0)
