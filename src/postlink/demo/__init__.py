"""An offline demo: a loopback news site with a feed, articles embedding X posts, a t.co-like
shortener, all served from this package so the whole pipeline runs without the internet."""
