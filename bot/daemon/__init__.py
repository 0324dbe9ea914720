"""The warm daemon process: holds one opened `Citebot` and answers `ask` over a Unix socket."""
