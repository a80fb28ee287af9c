# Upper threshold (-x): a server with as many connections as its threshold
# is overloaded and skipped until it falls below its lower one (-y)
adm -C
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m -x 1
adm -a -t $VIP:$PORT -r $BE2:80 -m -x 5 -y 2
adm -a -t $VIP:$PORT -r $BE3:80 -m -x 1
get 3
hold
get 4
waithold
get 3
check Ln stats Lnc S thresholds
