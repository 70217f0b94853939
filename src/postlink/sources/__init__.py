"""Where articles come from: feeds, sitemaps, URL lists, folders."""
