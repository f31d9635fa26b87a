"""English interface keeps the Vietnamese administrative formats, so figures read the same."""

from thidua.formats.vi.formats import *  # noqa: F403
