from core.tracking import (
    ALPHABET,
    display_code,
    new_tracking_code,
    normalize_code,
    phone_last4_matches,
)


def test_a_code_is_eight_characters_without_look_alikes():
    code = new_tracking_code()
    assert len(code) == 8
    assert set(code) <= set(ALPHABET)
    assert not set("01OIL") & set(ALPHABET)


def test_a_code_is_shown_in_two_halves_and_read_back_as_typed():
    assert display_code("K7QM2XHP") == "K7QM-2XHP"
    assert normalize_code(" k7qm-2xhp ") == "K7QM2XHP"


def test_the_last_four_digits_of_the_phone_match_however_typed():
    assert phone_last4_matches("138 0013 8000", "8000")
    assert phone_last4_matches("13800138000", " 8 0 0 0")


def test_other_digits_or_a_phone_without_four_digits_do_not_match():
    assert not phone_last4_matches("13800138000", "8001")
    assert not phone_last4_matches("13800138000", "38000")
    assert not phone_last4_matches("", "")
    assert not phone_last4_matches("123", "123")
