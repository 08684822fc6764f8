"""User-facing errors of the recipe: one line each, exit status 2 (stepq maps them as they are)."""


class RecipeError(Exception):
    """A mistake the user can fix (bad file, missing model, no memory); printed as one line."""
