"""Where models live: board URLs through storage plugins (:mod:`~vetiver.storage.boards`), the
pin store that reads and writes pin versions safely (:mod:`~vetiver.storage.pinstore`), and
writing models as pins (:mod:`~vetiver.storage.model_pins`)."""
