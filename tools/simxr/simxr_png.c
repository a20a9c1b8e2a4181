/* PNG output through the system's stb_image_write (libstb-dev). */
#include "simxr_internal.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

bool simxr_png_write(const char *path, int w, int h, const uint8_t *rgba)
{
	return stbi_write_png(path, w, h, 4, rgba, w * 4) != 0;
}
