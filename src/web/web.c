/*
 * web — registration of the web route tables. See web.h.
 */
#include "web/web.h"

void web_register(void)
{
    router_add(web_static_routes);
    router_add(web_public_routes);
    router_add(web_subscribe_routes);
    router_add(web_subscribe_sms_routes);
    router_add(web_subscribe_hook_routes);
    router_add(web_access_routes);
    router_add(web_access_sso_routes);
}
