"""The application around the pages: the main window and its docks, menus and shortcuts, themes,
the start page and its tour, start-up and the GUI-thread garbage collector."""
