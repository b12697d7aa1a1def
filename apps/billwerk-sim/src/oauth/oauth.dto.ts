/** The form body of `POST /oauth/token/` (application/x-www-form-urlencoded). */
export interface TokenRequestForm {
  grant_type?: string;
}
