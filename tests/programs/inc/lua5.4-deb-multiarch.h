#define DEB_HOST_MULTIARCH "none"
