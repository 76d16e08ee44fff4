"""titrate's version, in a module of its own that every layer may import (as `errors`): the package's
front door imports the layers, so a layer that imported the front door for this would close a cycle."""

__version__ = "0.1.0"
