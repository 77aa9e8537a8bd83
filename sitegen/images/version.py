"""The image pipeline's version, in a module of its own: the build stamp reads it without importing Pillow.

Bump it when a change makes derivatives differ for the same job: every cached image and every
build stamp is then left behind.
"""

PIPELINE_VERSION = 4  # 4: every entry carries its fingerprint (and the ISCC in XMP when asked)
