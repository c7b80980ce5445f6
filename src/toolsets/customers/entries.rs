//! A customer's address and entry collections (catalogue 3: `customer_address`,
//! `customer_chat`, `customer_email`, `customer_phone`, `customer_social_profile`,
//! `customer_website`). The five collections share one set of generic handlers;
//! what differs (path segment, id parameter, entry type enum) is in [`EntryKind`]
//! and the argument types.

use http::Method;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    entry_object, entry_value, spec, AddressFields, ChatType, Collection, CustomerIdArgs, EmailType, PhoneType,
    SocialProfileType,
};
use crate::helpscout::pagination::Page;
use crate::helpscout::ApiError;
use crate::output::compact::{list_result, strip};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};
use crate::toolsets::common::created_id;

const ADDRESS_PATH: &str = "/v2/customers/{customerId}/address";

pub(super) fn tools() -> Vec<ToolDef> {
    let mut tools = vec![
        declare(
            spec(
                "get_customer_address",
                "Get customer address",
                Access::Read,
                true,
                Method::GET,
                ADDRESS_PATH,
                "A customer has at most one.",
            ),
            get_address,
        ),
        declare(
            spec(
                "create_customer_address",
                "Create customer address",
                Access::Write,
                false,
                Method::POST,
                ADDRESS_PATH,
                "Fails if one exists: use update_customer_address.",
            ),
            create_address,
        ),
        declare(
            spec(
                "update_customer_address",
                "Replace customer address",
                Access::Write,
                true,
                Method::PUT,
                ADDRESS_PATH,
                "Replaces the whole address: parts left out are cleared.",
            ),
            update_address,
        ),
        declare(
            spec(
                "delete_customer_address",
                "Delete customer address",
                Access::Destructive,
                true,
                Method::DELETE,
                ADDRESS_PATH,
                "No undo.",
            ),
            delete_address,
        ),
    ];
    tools.extend(collection_tools::<
        Emails,
        CreateEmailArgs,
        UpdateEmailArgs,
        DeleteEmailArgs,
    >([
        "With entry ids and types.",
        "Returns the entry id.",
        "Replaces type and value.",
        "Removes one entry.",
    ]));
    tools.extend(collection_tools::<
        Phones,
        CreatePhoneArgs,
        UpdatePhoneArgs,
        DeletePhoneArgs,
    >([
        "With entry ids and types.",
        "Returns the entry id.",
        "Replaces type and value.",
        "Removes one entry.",
    ]));
    tools.extend(
        collection_tools::<Chats, CreateChatArgs, UpdateChatArgs, DeleteChatArgs>([
            "Skype, AIM, ... handles with entry ids and types.",
            "Returns the entry id.",
            "Replaces type and value.",
            "Removes one entry.",
        ]),
    );
    tools.extend(collection_tools::<
        SocialProfiles,
        CreateSocialProfileArgs,
        UpdateSocialProfileArgs,
        DeleteSocialProfileArgs,
    >([
        "With entry ids and types.",
        "Returns the entry id.",
        "Replaces type and value.",
        "Removes one entry.",
    ]));
    tools.extend(collection_tools::<
        Websites,
        CreateWebsiteArgs,
        UpdateWebsiteArgs,
        DeleteWebsiteArgs,
    >([
        "With entry ids.",
        "Returns the entry id.",
        "Replaces the URL.",
        "Removes one entry.",
    ]));
    tools
}

// ---------------------------------------------------------------------------------
// address

async fn get_address(ctx: ToolContext, args: CustomerIdArgs) -> ToolResult {
    match ctx
        .client
        .send_json(ctx.endpoint(&[("customerId", &args.customer_id)]))
        .await
    {
        Ok(body) => Ok(ToolOutput::json(strip(body))),
        // A customer without an address answers 404 like a missing customer.
        Err(ApiError::Status { status: 404, .. }) => Err(ToolError::Failed(format!(
            "Customer {} has no address (or does not exist). create_customer_address adds one.",
            args.customer_id
        ))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressArgs {
    pub customer_id: u64,
    pub lines: Option<Vec<String>>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166 alpha-2, e.g. US.
    pub country: Option<String>,
}

impl AddressArgs {
    fn body(self) -> Result<(u64, Value), ToolError> {
        let fields = AddressFields {
            lines: self.lines,
            city: self.city,
            state: self.state,
            postal_code: self.postal_code,
            country: self.country,
        };
        Ok((self.customer_id, fields.body("")?))
    }
}

async fn create_address(ctx: ToolContext, args: AddressArgs) -> ToolResult {
    let (customer_id, body) = args.body()?;
    ctx.send(ctx.endpoint(&[("customerId", &customer_id)]).json(body))
        .await?;
    Ok(ToolOutput::json(json!({ "created": true, "customerId": customer_id })))
}

async fn update_address(ctx: ToolContext, args: AddressArgs) -> ToolResult {
    let (customer_id, body) = args.body()?;
    ctx.send(ctx.endpoint(&[("customerId", &customer_id)]).json(body.clone()))
        .await?;
    Ok(ToolOutput::json(
        json!({ "updated": true, "customerId": customer_id, "address": body }),
    ))
}

async fn delete_address(ctx: ToolContext, args: CustomerIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("customerId", &args.customer_id)])).await?;
    Ok(ToolOutput::json(
        json!({ "deleted": true, "customerId": args.customer_id }),
    ))
}

// ---------------------------------------------------------------------------------
// entry collections

/// What tells one entry collection from another.
trait EntryKind: Send + Sync + 'static {
    const COLLECTION: Collection;
    /// URL segment and `_embedded` key of the list: `social-profiles`.
    const SEGMENT: &'static str;
    /// Path parameter of one entry: `socialProfileId`.
    const ID_PARAM: &'static str;
    /// Tool names: list, create, update, delete.
    const TOOLS: [&'static str; 4];
    const TITLES: [&'static str; 4];
    /// Paths of the collection and of one entry.
    const PATHS: [&'static str; 2];
    /// What the model calls the list in results: `socialProfiles`.
    const LIST_KEY: &'static str;
    const NOUN: &'static str;
}

/// The arguments of a create or update: the customer and the entry to send.
trait EntryInput {
    fn customer_id(&self) -> u64;
    /// The `{type, value}` body (`{value}` for websites).
    fn body(&self) -> Result<Value, ToolError>;
}

/// The arguments naming one existing entry.
trait EntryTarget {
    fn customer_id(&self) -> u64;
    fn entry_id(&self) -> u64;
}

/// The four tools of one collection, from its kind and argument types.
fn collection_tools<K, C, U, D>(descriptions: [&'static str; 4]) -> Vec<ToolDef>
where
    K: EntryKind,
    C: EntryInput + DeserializeOwned + JsonSchema + Send + 'static,
    U: EntryInput + EntryTarget + DeserializeOwned + JsonSchema + Send + 'static,
    D: EntryTarget + DeserializeOwned + JsonSchema + Send + 'static,
{
    let [list, create, update, delete] = K::TOOLS;
    let [list_title, create_title, update_title, delete_title] = K::TITLES;
    let [list_desc, create_desc, update_desc, delete_desc] = descriptions;
    let [collection, one] = K::PATHS;
    vec![
        declare(
            spec(list, list_title, Access::Read, true, Method::GET, collection, list_desc),
            list_entries::<K>,
        ),
        declare(
            spec(
                create,
                create_title,
                Access::Write,
                false,
                Method::POST,
                collection,
                create_desc,
            ),
            create_entry::<K, C>,
        ),
        declare(
            spec(update, update_title, Access::Write, true, Method::PUT, one, update_desc),
            update_entry::<K, U>,
        ),
        declare(
            spec(
                delete,
                delete_title,
                Access::Destructive,
                true,
                Method::DELETE,
                one,
                delete_desc,
            ),
            delete_entry::<K, D>,
        ),
    ]
}

/// Entry lists carry `_embedded.<segment>` and no paging: a customer has a handful.
async fn list_entries<K: EntryKind>(ctx: ToolContext, args: CustomerIdArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("customerId", &args.customer_id)]))
        .await?;
    let items: Vec<Value> = body
        .pointer(&format!("/_embedded/{}", K::SEGMENT))
        .and_then(Value::as_array)
        .map(|items| items.iter().cloned().map(strip).collect())
        .unwrap_or_default();
    let page = Page {
        total_items: Some(items.len() as u64),
        items: Vec::new(),
        number: None,
        total_pages: None,
        next_href: None,
    };
    Ok(ToolOutput::json(list_result(K::LIST_KEY, items, &page, K::TOOLS[0])))
}

async fn create_entry<K: EntryKind, C: EntryInput + Send>(ctx: ToolContext, args: C) -> ToolResult {
    let body = args.body()?;
    let response = ctx
        .send(ctx.endpoint(&[("customerId", &args.customer_id())]).json(body))
        .await?;
    created_id(&response, K::NOUN, K::TOOLS[0])
}

async fn update_entry<K: EntryKind, U: EntryInput + EntryTarget + Send>(ctx: ToolContext, args: U) -> ToolResult {
    let body = args.body()?;
    let (customer_id, entry_id) = (EntryTarget::customer_id(&args), args.entry_id());
    ctx.send(
        ctx.endpoint(&[("customerId", &customer_id), (K::ID_PARAM, &entry_id)])
            .json(body.clone()),
    )
    .await?;
    let mut out = json!({ "updated": true, "customerId": customer_id, "id": entry_id });
    if let (Some(map), Some(entry)) = (out.as_object_mut(), body.as_object()) {
        map.extend(entry.clone());
    }
    Ok(ToolOutput::json(out))
}

async fn delete_entry<K: EntryKind, D: EntryTarget + Send>(ctx: ToolContext, args: D) -> ToolResult {
    let (customer_id, entry_id) = (args.customer_id(), args.entry_id());
    ctx.send(ctx.endpoint(&[("customerId", &customer_id), (K::ID_PARAM, &entry_id)]))
        .await?;
    Ok(ToolOutput::json(
        json!({ "deleted": true, "customerId": customer_id, "id": entry_id }),
    ))
}

struct Emails;
struct Phones;
struct Chats;
struct SocialProfiles;
struct Websites;

impl EntryKind for Emails {
    const COLLECTION: Collection = Collection::Emails;
    const SEGMENT: &'static str = "emails";
    const ID_PARAM: &'static str = "emailId";
    const TOOLS: [&'static str; 4] = [
        "list_customer_emails",
        "create_customer_email",
        "update_customer_email",
        "delete_customer_email",
    ];
    const TITLES: [&'static str; 4] = [
        "List customer emails",
        "Add customer email",
        "Replace customer email",
        "Delete customer email",
    ];
    const PATHS: [&'static str; 2] = [
        "/v2/customers/{customerId}/emails",
        "/v2/customers/{customerId}/emails/{emailId}",
    ];
    const LIST_KEY: &'static str = "emails";
    const NOUN: &'static str = "email";
}

impl EntryKind for Phones {
    const COLLECTION: Collection = Collection::Phones;
    const SEGMENT: &'static str = "phones";
    const ID_PARAM: &'static str = "phoneId";
    const TOOLS: [&'static str; 4] = [
        "list_customer_phones",
        "create_customer_phone",
        "update_customer_phone",
        "delete_customer_phone",
    ];
    const TITLES: [&'static str; 4] = [
        "List customer phones",
        "Add customer phone",
        "Replace customer phone",
        "Delete customer phone",
    ];
    const PATHS: [&'static str; 2] = [
        "/v2/customers/{customerId}/phones",
        "/v2/customers/{customerId}/phones/{phoneId}",
    ];
    const LIST_KEY: &'static str = "phones";
    const NOUN: &'static str = "phone";
}

impl EntryKind for Chats {
    const COLLECTION: Collection = Collection::Chats;
    const SEGMENT: &'static str = "chats";
    const ID_PARAM: &'static str = "chatId";
    const TOOLS: [&'static str; 4] = [
        "list_customer_chats",
        "create_customer_chat",
        "update_customer_chat",
        "delete_customer_chat",
    ];
    const TITLES: [&'static str; 4] = [
        "List customer chat handles",
        "Add customer chat handle",
        "Replace customer chat handle",
        "Delete customer chat handle",
    ];
    const PATHS: [&'static str; 2] = [
        "/v2/customers/{customerId}/chats",
        "/v2/customers/{customerId}/chats/{chatId}",
    ];
    const LIST_KEY: &'static str = "chats";
    const NOUN: &'static str = "chat handle";
}

impl EntryKind for SocialProfiles {
    const COLLECTION: Collection = Collection::SocialProfiles;
    const SEGMENT: &'static str = "social-profiles";
    const ID_PARAM: &'static str = "socialProfileId";
    const TOOLS: [&'static str; 4] = [
        "list_customer_social_profiles",
        "create_customer_social_profile",
        "update_customer_social_profile",
        "delete_customer_social_profile",
    ];
    const TITLES: [&'static str; 4] = [
        "List customer social profiles",
        "Add customer social profile",
        "Replace customer social profile",
        "Delete customer social profile",
    ];
    const PATHS: [&'static str; 2] = [
        "/v2/customers/{customerId}/social-profiles",
        "/v2/customers/{customerId}/social-profiles/{socialProfileId}",
    ];
    const LIST_KEY: &'static str = "socialProfiles";
    const NOUN: &'static str = "social profile";
}

impl EntryKind for Websites {
    const COLLECTION: Collection = Collection::Websites;
    const SEGMENT: &'static str = "websites";
    const ID_PARAM: &'static str = "websiteId";
    const TOOLS: [&'static str; 4] = [
        "list_customer_websites",
        "create_customer_website",
        "update_customer_website",
        "delete_customer_website",
    ];
    const TITLES: [&'static str; 4] = [
        "List customer websites",
        "Add customer website",
        "Replace customer website",
        "Delete customer website",
    ];
    const PATHS: [&'static str; 2] = [
        "/v2/customers/{customerId}/websites",
        "/v2/customers/{customerId}/websites/{websiteId}",
    ];
    const LIST_KEY: &'static str = "websites";
    const NOUN: &'static str = "website";
}

/// Create/update/delete argument types of a typed collection (all but websites).
macro_rules! typed_entry_args {
    ($kind:ty, $type_enum:ty, $create:ident, $update:ident, $delete:ident, $id:ident, $id_doc:literal $(, $value_doc:literal)?) => {
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $create {
            pub customer_id: u64,
            #[serde(rename = "type")]
            pub kind: $type_enum,
            $(#[doc = $value_doc])?
            pub value: String,
        }

        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $update {
            pub customer_id: u64,
            #[doc = $id_doc]
            pub $id: u64,
            #[serde(rename = "type")]
            pub kind: $type_enum,
            $(#[doc = $value_doc])?
            pub value: String,
        }

        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $delete {
            pub customer_id: u64,
            #[doc = $id_doc]
            pub $id: u64,
        }

        impl EntryInput for $create {
            fn customer_id(&self) -> u64 {
                self.customer_id
            }
            fn body(&self) -> Result<Value, ToolError> {
                let value = entry_value("value", <$kind>::COLLECTION, &self.value)?;
                Ok(entry_object(Some(self.kind), value))
            }
        }

        impl EntryInput for $update {
            fn customer_id(&self) -> u64 {
                self.customer_id
            }
            fn body(&self) -> Result<Value, ToolError> {
                let value = entry_value("value", <$kind>::COLLECTION, &self.value)?;
                Ok(entry_object(Some(self.kind), value))
            }
        }

        impl EntryTarget for $update {
            fn customer_id(&self) -> u64 {
                self.customer_id
            }
            fn entry_id(&self) -> u64 {
                self.$id
            }
        }

        impl EntryTarget for $delete {
            fn customer_id(&self) -> u64 {
                self.customer_id
            }
            fn entry_id(&self) -> u64 {
                self.$id
            }
        }
    };
}

typed_entry_args!(
    Emails,
    EmailType,
    CreateEmailArgs,
    UpdateEmailArgs,
    DeleteEmailArgs,
    email_id,
    "Entry id, from get_customer."
);
typed_entry_args!(
    Phones,
    PhoneType,
    CreatePhoneArgs,
    UpdatePhoneArgs,
    DeletePhoneArgs,
    phone_id,
    "Entry id, from get_customer."
);
typed_entry_args!(
    Chats,
    ChatType,
    CreateChatArgs,
    UpdateChatArgs,
    DeleteChatArgs,
    chat_id,
    "Entry id, from get_customer; not a conversation id."
);
typed_entry_args!(
    SocialProfiles,
    SocialProfileType,
    CreateSocialProfileArgs,
    UpdateSocialProfileArgs,
    DeleteSocialProfileArgs,
    social_profile_id,
    "Entry id, from get_customer.",
    "URL or handle."
);

// Websites have no type.

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebsiteArgs {
    pub customer_id: u64,
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebsiteArgs {
    pub customer_id: u64,
    /// Entry id, from get_customer.
    pub website_id: u64,
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteWebsiteArgs {
    pub customer_id: u64,
    /// Entry id, from get_customer.
    pub website_id: u64,
}

fn website_body(value: &str) -> Result<Value, ToolError> {
    let value = entry_value("value", Collection::Websites, value)?;
    Ok(entry_object(None::<()>, value))
}

impl EntryInput for CreateWebsiteArgs {
    fn customer_id(&self) -> u64 {
        self.customer_id
    }
    fn body(&self) -> Result<Value, ToolError> {
        website_body(&self.value)
    }
}

impl EntryInput for UpdateWebsiteArgs {
    fn customer_id(&self) -> u64 {
        self.customer_id
    }
    fn body(&self) -> Result<Value, ToolError> {
        website_body(&self.value)
    }
}

impl EntryTarget for UpdateWebsiteArgs {
    fn customer_id(&self) -> u64 {
        self.customer_id
    }
    fn entry_id(&self) -> u64 {
        self.website_id
    }
}

impl EntryTarget for DeleteWebsiteArgs {
    fn customer_id(&self) -> u64 {
        self.customer_id
    }
    fn entry_id(&self) -> u64 {
        self.website_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::schema::input_schema;

    #[test]
    fn every_collection_has_four_tools_on_its_own_paths() {
        let tools = tools();
        assert_eq!(tools.len(), 4 + 5 * 4);
        for def in &tools {
            let spec = &def.spec;
            assert!(spec.path.starts_with("/v2/customers/{customerId}/"), "{}", spec.name);
        }
    }

    #[test]
    fn typed_entries_list_their_types_and_websites_have_none() {
        let schema = Value::Object(input_schema::<CreateSocialProfileArgs>());
        let types = schema["properties"]["type"]["enum"].as_array().unwrap();
        assert!(types.contains(&json!("linkedin")) && types.contains(&json!("other")));
        let website = Value::Object(input_schema::<CreateWebsiteArgs>());
        assert!(website["properties"].get("type").is_none());
        let update = Value::Object(input_schema::<UpdatePhoneArgs>());
        let required = update["required"].as_array().unwrap();
        for field in ["customer_id", "phone_id", "type", "value"] {
            assert!(required.contains(&json!(field)), "{field}");
        }
    }

    #[test]
    fn bodies_are_objects_with_checked_values() {
        let email = CreateEmailArgs {
            customer_id: 1,
            kind: EmailType::Work,
            value: "jane@acme.test".into(),
        };
        assert_eq!(
            email.body().unwrap(),
            json!({"type": "work", "value": "jane@acme.test"})
        );
        let bad = CreateEmailArgs {
            value: "jane".into(),
            ..email
        };
        assert!(bad.body().unwrap_err().to_string().contains("`value`"));
        assert_eq!(
            website_body(" https://a.test ").unwrap(),
            json!({"value": "https://a.test"})
        );
    }
}
