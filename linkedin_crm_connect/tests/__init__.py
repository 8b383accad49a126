from . import (
    test_access,
    test_candidates,
    test_categories,
    test_connection,
    test_historical_sync,
)
