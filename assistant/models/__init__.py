"""Where models come from (user path, models/, packaged wheels) and the adapters that load them."""
