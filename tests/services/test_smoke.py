from __future__ import annotations

from services.models import PostalArea


def test_reference_data_is_loaded_for_tests(db: None) -> None:
    assert PostalArea.objects.count() == 3026
