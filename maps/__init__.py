"""Drawing for printed and exported maps, beside the pure data core in ``geo/``.

Modules here read the visual language of ``layers.symbols`` and draw it with matplotlib; the
snapshot layout (``geo.render``) calls them.
"""
