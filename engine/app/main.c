#include "result.h"
#include <stdio.h>
int main(void)
{
	printf("scrub %s\n", SCRUB_VERSION);
	return SCRUB_OK;
}
