/* PNG read/write through stb_image / stb_image_write (implementations in libstb). */
#define SCRUB_LOG_MODULE "render"
#include <stdlib.h>
#include <string.h>

#include <stb_image.h>
#include <stb_image_write.h>

#include "log.h"
#include "scrub_render.h"

scrub_result scrub_image_write_png(const char *path, uint32_t width, uint32_t height, const uint8_t *rgba)
{
	if (!stbi_write_png(path, (int)width, (int)height, 4, rgba, (int)width * 4)) {
		LOG_E("cannot write PNG %s", path);
		return SCRUB_ERR_IO;
	}
	return SCRUB_OK;
}

scrub_result scrub_image_read_png(const char *path, uint32_t *out_width, uint32_t *out_height, uint8_t **out_rgba)
{
	int w = 0, h = 0, n = 0;
	stbi_uc *data = stbi_load(path, &w, &h, &n, 4);
	if (!data) {
		LOG_E("cannot read PNG %s: %s", path, stbi_failure_reason());
		return SCRUB_ERR_IO;
	}
	/* hand back memory from malloc so callers free() it */
	uint8_t *copy = malloc((size_t)w * (size_t)h * 4);
	if (!copy) {
		stbi_image_free(data);
		return SCRUB_ERR_NOMEM;
	}
	memcpy(copy, data, (size_t)w * (size_t)h * 4);
	stbi_image_free(data);
	*out_width = (uint32_t)w;
	*out_height = (uint32_t)h;
	*out_rgba = copy;
	return SCRUB_OK;
}
