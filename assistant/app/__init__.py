"""Features of the apps around the flow: named collections, staff feedback, follow-up questions."""
