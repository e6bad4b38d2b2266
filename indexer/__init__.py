"""jinbao indexer: archive of newspaper page texts -> articles -> Whoosh index.

Nothing here loads dictionaries or opens indexes at import time; see
``indexer.segment.configure`` and ``indexer.build.build_index`` / ``indexer.build.open_index``.
"""
