# persistence with -M 255.255.255.0: every source of the /24 on one server;
# then /28 (10.10.0.2 and 10.10.0.21..29 in two blocks)
adm -C
adm -A -t $VIP:$PORT -s rr -p 300 -M 255.255.255.0
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 2
get 1 10.10.0.21
get 1 10.10.0.25
get 1 10.10.0.29
check Ln Lnc S persistent
adm -E -t $VIP:$PORT -s rr -p 120 -M 255.255.255.240
get 1 10.10.0.22
get 2
get 1 10.10.0.26
check Ln stats Lnc S persistent
